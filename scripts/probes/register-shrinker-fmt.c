/* 6.0: register_shrinker() takes a name format (before shrinker_alloc). */
#include <linux/shrinker.h>
static int __maybe_unused t(struct shrinker *s)
{
	return register_shrinker(s, "t-%d", 1);
}
