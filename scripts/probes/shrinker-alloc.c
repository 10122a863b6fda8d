/* 6.7: shrinker_alloc()/shrinker_register() replace register_shrinker(). */
#include <linux/shrinker.h>
static void __maybe_unused t(void)
{
	struct shrinker *s = shrinker_alloc(0, "t-%d", 1);

	if (s)
		shrinker_register(s);
}
