"""What payments tells the apps above it. Receivers live in each app's `receivers.py`.

- `payment_paid(donation)`: a gift became paid, once, after the transaction committed (the
  receipt; a sponsorship's first payment or a later month).
- `payment_claimed(donation)`: a receiver returns True when it applies this gift's payment
  itself (a later month of a sponsorship); the webhook then hands it to `subscription_notice`.
- `subscription_notice(provider_name, references, event, reported_at)`: a webhook named ids
  that are no one-off gift of ours: a subscription, or a payment the provider made for one.
  A receiver returns an outcome with `known` (the ids were its own) and `changes` (lines for
  the event's record), and may raise ProviderUnavailable.
"""

from django.dispatch import Signal

payment_paid = Signal()
payment_claimed = Signal()
subscription_notice = Signal()
