"""SMART goals and their milestones, progress, comments and celebrations."""
