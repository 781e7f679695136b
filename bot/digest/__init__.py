"""The managers' weekly digest of a program, and the per-relationship report."""
