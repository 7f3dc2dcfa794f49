"""Learning with FSRS beyond one grade: personal parameters fitted from the review log."""
