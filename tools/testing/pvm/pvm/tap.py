# SPDX-License-Identifier: GPL-2.0
"""A TAP 13 / KTAP parser with nested subtests.

Nested blocks are indented by four spaces (KTAP, KUnit) or prefixed with
"# " (kselftest's run_kselftest.sh). Results are counted at the leaves: a
test with subtests counts its subtests, and counts itself only when it
failed although none of its subtests did. A missing plan, a plan that does
not match the number of results, or a "Bail out!" is a failure.
"""
import re
from dataclasses import dataclass, field

RESULT_RE = re.compile(
    r'^(?P<ok>ok|not ok)\b(?:\s+(?P<num>\d+))?\s*(?:-\s*)?(?P<desc>[^#]*?)'
    r'\s*(?:#\s*(?P<directive>\S+)(?:\s+(?P<reason>.*))?)?$')
PLAN_RE = re.compile(r'^1\.\.(?P<count>\d+)(?:\s*#\s*(?P<skip>SKIP.*))?\s*$')
VERSION_RE = re.compile(r'^K?TAP version \d+')
BAIL_RE = re.compile(r'^Bail out!(?P<why>.*)')
PREFIXES = ('    ', '# ')


@dataclass
class Result:
    """One test point: passed, failed or skipped, with its subtests."""
    ok: bool
    num: int | None
    desc: str
    directive: str = ''
    reason: str = ''
    children: 'Block | None' = None

    @property
    def skipped(self):
        return self.directive.upper().startswith(('SKIP', 'TODO'))


@dataclass
class Block:
    """A TAP document or a nested subtest block."""
    plan: int | None = None
    skip_all: bool = False
    results: list = field(default_factory=list)
    bailed: str | None = None
    problems: list = field(default_factory=list)


@dataclass
class Counts:
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    failures: list = field(default_factory=list)

    def add(self, other):
        self.passed += other.passed
        self.failed += other.failed
        self.skipped += other.skipped
        self.failures += other.failures

    def fail(self, what):
        self.failed += 1
        self.failures.append(what)


def _strip(line, prefix):
    """Remove one nesting prefix; None if the line does not have it."""
    if line.startswith(prefix):
        return line[len(prefix):]
    if line.rstrip() == prefix.rstrip() == '#':
        return ''
    return None


def _is_tap(line):
    return bool(RESULT_RE.match(line) or PLAN_RE.match(line) or
                VERSION_RE.match(line) or BAIL_RE.match(line))


def _nested_start(lines, i):
    """Return the prefix of a nested block starting at lines[i], if any."""
    for prefix in PREFIXES:
        inner = _strip(lines[i], prefix)
        if inner is None:
            continue
        inner = inner.strip()
        if VERSION_RE.match(inner) or PLAN_RE.match(inner) or \
           inner.startswith('Subtest:') or inner.startswith('# Subtest:'):
            return prefix
    return None


def _parse_block(lines, i):
    """Parse lines[i:] as one block; return (block, next index)."""
    block = Block()
    pending = None          # a nested block waiting for its parent result
    while i < len(lines):
        raw = lines[i].rstrip('\r\n')
        prefix = _nested_start(lines, i)
        if prefix is not None:
            sub = [_strip(l.rstrip('\r\n'), prefix) for l in lines[i:]]
            n = 0
            while n < len(sub) and sub[n] is not None:
                n += 1
            pending, used = _parse_block(sub[:n], 0)
            i += max(used, 1)
            continue
        text = raw.strip()
        m = RESULT_RE.match(text)
        if m:
            res = Result(ok=m['ok'] == 'ok', num=int(m['num']) if m['num'] else None,
                         desc=m['desc'].strip(), directive=(m['directive'] or ''),
                         reason=(m['reason'] or '').strip())
            res.children, pending = pending, None
            block.results.append(res)
        elif PLAN_RE.match(text):
            pm = PLAN_RE.match(text)
            if block.plan is not None:
                block.problems.append('second plan line')
            block.plan = int(pm['count'])
            block.skip_all = bool(pm['skip'])
        elif BAIL_RE.match(text):
            block.bailed = BAIL_RE.match(text)['why'].strip() or 'no reason given'
        i += 1
    if pending is not None:
        # Subtests whose parent result never came: the parent crashed.
        block.results.append(Result(ok=False, num=None, desc='(parent result missing)',
                                    children=pending))
    return block, i


def _split_documents(lines):
    """Split at each unindented "TAP version" line that follows TAP lines.

    run_kselftest.sh prints one document per collection, one after the
    other; each must be complete on its own.
    """
    docs, cur, seen = [], [], False
    for line in lines:
        if VERSION_RE.match(line) and seen:
            docs.append(cur)
            cur, seen = [], False
        cur.append(line)
        seen = seen or _is_tap(line.strip())
    docs.append(cur)
    return docs


def parse(text):
    """Parse TAP (a string or a list of lines) into a Block.

    Concatenated documents become one block: their results in order, a
    plan that is the sum of theirs, and a problem for each document whose
    own plan is missing or does not match its results.
    """
    lines = text.splitlines() if isinstance(text, str) else list(text)
    docs = _split_documents(lines)
    if len(docs) == 1:
        return _parse_block(lines, 0)[0]
    merged = Block(plan=0)
    for n, doc in enumerate(docs, 1):
        b = _parse_block(doc, 0)[0]
        if b.plan is None:
            merged.problems.append(f'document {n}: missing plan')
            merged.plan += len(b.results)
        elif b.plan != len(b.results) and not (b.skip_all and not b.results):
            merged.problems.append(
                f'document {n}: plan says {b.plan}, got {len(b.results)} results')
            merged.plan += max(b.plan, len(b.results))
        elif b.skip_all and not b.results:
            merged.results.append(Result(ok=True, num=None, desc=f'(document {n})',
                                         directive='SKIP', reason='skip_all'))
            merged.plan += 1
            continue
        else:
            merged.plan += b.plan
        merged.results += b.results
        merged.problems += b.problems
        merged.bailed = merged.bailed or b.bailed
    return merged


def count(block, name='suite'):
    """Count passes, failures and skips of a block at its leaves."""
    c = Counts()
    if block.plan is None and not block.results:
        c.fail(f'{name}: no TAP output')
        return c
    if block.plan is None:
        c.fail(f'{name}: missing plan')
    elif block.plan != len(block.results) and not (block.skip_all and not block.results):
        missing = block.plan - len(block.results)
        c.fail(f'{name}: plan says {block.plan}, got {len(block.results)} results')
        # every test the plan announced but that never reported is a failure too
        for _ in range(max(missing - 1, 0)):
            c.fail(f'{name}: test missing')
    if block.skip_all and not block.results:
        c.skipped += 1
    for p in block.problems:
        c.fail(f'{name}: {p}')
    if block.bailed:
        c.fail(f'{name}: Bail out! {block.bailed}')
    for r in block.results:
        label = f'{name}: {r.desc or r.num}'
        if r.children is not None and (r.children.results or r.children.plan):
            sub = count(r.children, label)
            c.add(sub)
            if not r.ok and not r.skipped and sub.failed == 0:
                c.fail(f'{label} (failed after its subtests passed)')
        elif r.skipped:
            c.skipped += 1
        elif r.ok:
            c.passed += 1
        else:
            c.fail(label)
    return c
