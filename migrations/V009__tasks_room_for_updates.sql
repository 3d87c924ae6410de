-- V009: a task is written twice, created and then ended, a few milliseconds apart. Packed full, its page
-- has no room left for the ended version, which then goes to another page and needs a new entry in
-- each of the table's four indexes. With a fifth of each page kept free, the ended version fits beside
-- the first (a heap-only update) and no index is touched. Applies to pages written from now on.
alter table tasks set (fillfactor = 80);
