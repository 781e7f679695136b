"""Check-ins: "How is your mentoring going?", asked privately on a rhythm."""
