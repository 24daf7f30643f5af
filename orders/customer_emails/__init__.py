"""The e-mails an order's customer gets: confirmation, shipped, ready for pickup, delivered,
refunded; each on or off per store, previewed in the settings, sent once per event by the
worker, listed in the order's timeline, and sent again on a member's request.

They live in orders/ (DESIGN.md §2): they are about an order and read its lines, tracking and
refunds, and orders may import the core, whose e-mail plumbing (mycommerce/emails.py) renders,
records and delivers them. The core may import nothing above it, and a new app would need a
layer of its own in pyproject.toml for what is one listener, one task and one page.
"""
