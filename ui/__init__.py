"""The Qt desktop front of esgdesk: presentation only, every rule lives in esgdesk/."""
