"""The service layer: one function per question a user can ask, authorized, protected and audited."""
