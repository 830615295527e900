// SPDX-License-Identifier: GPL-2.0
#include "../kernel/uv_query.c"
