"""The main menu, computed once per build: ``menu`` in every template's context."""

from .site_menu import Menu, MenuLink, main_menu, register

__all__ = ["Menu", "MenuLink", "main_menu", "register"]
