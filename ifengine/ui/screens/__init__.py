"""Full screens: title, play, ending, history, map, help, and the gallery of endings."""
