"""The Textual app: screens, widgets and styles. UI only; it renders what the core returns."""
