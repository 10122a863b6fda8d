/* 6.8 (at the latest 6.12): generic_setlease() moved to <linux/filelock.h>. */
#include <linux/filelock.h>
static const struct file_operations o __maybe_unused = { .setlease = generic_setlease };
