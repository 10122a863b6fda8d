// SPDX-License-Identifier: GPL-2.0
#include "vpm_internal.h"
