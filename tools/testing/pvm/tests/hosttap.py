# SPDX-License-Identifier: GPL-2.0
"""What the host unit tests share: record checks, print them as TAP."""

results = []


def check(cond, desc):
    results.append((bool(cond), desc))


def report():
    """Print the checks as a TAP document; 0 if all passed, else 1."""
    print('TAP version 13')
    print(f'1..{len(results)}')
    for i, (ok, desc) in enumerate(results, 1):
        print(f'{"ok" if ok else "not ok"} {i} - {desc}')
    return 0 if all(ok for ok, _ in results) else 1
