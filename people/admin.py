"""People are not in the Django admin on purpose.

A person's record is read and changed only through the service's own pages,
which check the team and write every view and change to the audit log. An
admin (even a superuser) is not thereby allowed to read case records.
"""
