"""The high-contrast theme (the player's setting, `settings.Settings.theme`): white on black, yellow for
what is picked or to act on, and no muted text. The stylesheet names only theme variables ($accent,
$text-muted, ...), so one theme recolours every screen."""
from __future__ import annotations

from textual.theme import Theme

HIGH_CONTRAST = Theme(
    name="ifengine-high-contrast",
    primary="#FFFF00",
    secondary="#00FFFF",
    accent="#FFFF00",
    warning="#FFB000",
    error="#FF6060",
    success="#00FF00",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#202020",
    dark=True,
    text_alpha=1.0,
    variables={
        "text-muted": "#FFFFFF",  # earlier scenes, notes and key hints: as legible as the rest
        "text-disabled": "#D0D0D0",
        "border": "#FFFF00",
        "border-blurred": "#FFFFFF",
        "block-cursor-foreground": "#000000",
        "block-cursor-background": "#FFFF00",
        "block-cursor-text-style": "bold",
        "block-cursor-blurred-foreground": "#000000",
        "block-cursor-blurred-background": "#FFFFFF",
        "footer-key-foreground": "#FFFF00",
        "footer-description-foreground": "#FFFFFF",
        "footer-background": "#000000",
        "scrollbar": "#FFFFFF",
        "scrollbar-background": "#000000",
    },
)
