"""Nothing of conversations is in the Django admin. Themes are looked after at
/manage/themes/ (audited); conversations and actions are worked with through
the service's own pages, which check the team and write the audit log."""
