// SPDX-License-Identifier: GPL-2.0
/*
 * The three block-layer functions request-based device mapper calls,
 * which a kernel without CONFIG_BLK_DEV_DM does not build.  Only the
 * debug tier's out-of-tree dm-mod (selftests/debug-dm/Kbuild) links
 * them; its users, dm-log-writes and dm-linear, are bio-based and never
 * reach them, so each fails.
 */
#include <linux/blk-mq.h>

blk_status_t blk_insert_cloned_request(struct request *rq)
{
	WARN_ON_ONCE(1);
	return BLK_STS_NOTSUPP;
}

void blk_rq_unprep_clone(struct request *rq)
{
	WARN_ON_ONCE(1);
}

int blk_rq_prep_clone(struct request *rq, struct request *rq_src,
		      struct bio_set *bs, gfp_t gfp_mask,
		      int (*bio_ctr)(struct bio *, struct bio *, void *),
		      void *data)
{
	WARN_ON_ONCE(1);
	return -EOPNOTSUPP;
}
