"""Operations a person can do, framework-free, each with its role check inside (pages, ui and manage.py call these)."""
