"""The play screen's widgets: the transcript, the choice list and the side panel."""
