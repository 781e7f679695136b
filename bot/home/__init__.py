"""The App Home tab: each person's relationships, and for managers their programs' health."""
