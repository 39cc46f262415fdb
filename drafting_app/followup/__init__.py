"""Follow-up of responsible purchasing: the register of dossiers, SPASER indicators, the yearly
report, renewals ahead and the données essentielles (DECP) export."""
