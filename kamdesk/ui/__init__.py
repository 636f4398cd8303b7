"""The Qt desktop app: windows, dialogs and item models. The only package that imports Qt."""
