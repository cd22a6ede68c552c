"""Rule loading, rule evaluation and suppression handling."""
