"""Monthly giving: starting, activating, charging, failing and cancelling sponsorships.

`status.subscription_apply_status` is the one function that changes a sponsorship's status;
each month's money goes through `donations.payments.payment_apply_status` like any gift.
"""
