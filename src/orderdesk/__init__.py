"""orderdesk: the sales, CX and ops console of a device-buyback business."""

__version__ = "0.1.0"
