"""The advisers: the contracting-mode advisor (`contracting_mode`) and the insertion-hours
calculator (`insertion`)."""
