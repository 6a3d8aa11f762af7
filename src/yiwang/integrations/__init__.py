"""Integration with other systems: API tokens with scopes, and signed webhooks."""
