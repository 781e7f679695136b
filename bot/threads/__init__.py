"""Plain-text replies in the bot's DM threads: a reply under an agenda prompt becomes the
agenda, under a capture prompt the notes and actions."""
