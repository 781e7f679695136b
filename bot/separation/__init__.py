"""Separation: wrapping up well, extending, closing with a survey, or ending early."""
