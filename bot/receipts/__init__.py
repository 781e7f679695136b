"""Receipts: the replies to what someone just did (a form saved, a DM answered, a CSV asked
for), sent as due work so that a Slack failure delays them and never loses them."""
