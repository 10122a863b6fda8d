/* 7.x: struct folio_batch moves to <linux/folio_batch.h>; pagevec.h goes. */
#include <linux/folio_batch.h>
