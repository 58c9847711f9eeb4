"""Hand-checked roles of actor-weapon pairs (who acts, to whom, from whom, negated)."""
