"""What a UserSession actor does per feature: load cached state, apply the rule, write through, send."""
