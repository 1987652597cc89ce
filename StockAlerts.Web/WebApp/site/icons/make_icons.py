"""Draws the PNG app icons (the same picture as icon.svg) with the standard library only.

Run from this folder: python3 make_icons.py. Writes icon-192.png, icon-512.png and icon-maskable-512.png.
Shapes are drawn by signed distance, one sample per pixel, which anti-aliases their edges.
"""
import math
import struct
import zlib

BACKGROUND = (0x28, 0x48, 0xB8)
LINE = (0xFF, 0xFF, 0xFF)
DOT = (0xFF, 0xD3, 0x4D)
POINTS = [(96, 352), (192, 256), (256, 304), (400, 160)]
LINE_HALF_WIDTH = 22
DOT_CENTER, DOT_RADIUS = (400, 160), 44


def segment_distance(px, py, ax, ay, bx, by):
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def rounded_rect_distance(px, py, half, radius):
    qx, qy = abs(px - 256) - (half - radius), abs(py - 256) - (half - radius)
    outside = math.hypot(max(qx, 0.0), max(qy, 0.0))
    return outside + min(max(qx, qy), 0.0) - radius


def coverage(distance, pixel):
    # distance is in icon units (512 across); one pixel is `pixel` units.
    return max(0.0, min(1.0, 0.5 - distance / pixel))


def draw(size, maskable):
    pixel = 512 / size
    # Maskable icons are cropped to a circle of 80 %: fill the square, shrink the drawing into the safe zone.
    scale = 0.8 if maskable else 1.0
    rows = []
    for y in range(size):
        row = bytearray([0])
        for x in range(size):
            ux, uy = (x + 0.5) * pixel, (y + 0.5) * pixel
            background = 1.0 if maskable else coverage(rounded_rect_distance(ux, uy, 256, 112), pixel)
            # Drawing coordinates: undo the safe-zone scaling around the centre.
            dx, dy = 256 + (ux - 256) / scale, 256 + (uy - 256) / scale
            line_distance = min(segment_distance(dx, dy, *POINTS[i], *POINTS[i + 1]) for i in range(len(POINTS) - 1))
            line = coverage((line_distance - LINE_HALF_WIDTH) * scale, pixel)
            dot = coverage((math.hypot(dx - DOT_CENTER[0], dy - DOT_CENTER[1]) - DOT_RADIUS) * scale, pixel)
            color = [c for c in BACKGROUND]
            for layer, amount in ((LINE, line), (DOT, dot)):
                color = [c * (1 - amount) + l * amount for c, l in zip(color, layer)]
            alpha = max(background, line, dot) if not maskable else 1.0
            row.extend(int(round(c)) for c in color)
            row.append(int(round(alpha * 255)))
        rows.append(bytes(row))
    return b"".join(rows)


def png(size, pixels):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(pixels, 9)) + chunk(b"IEND", b"")


if __name__ == "__main__":
    for name, size, maskable in (("icon-192.png", 192, False), ("icon-512.png", 512, False), ("icon-maskable-512.png", 512, True)):
        with open(name, "wb") as file:
            file.write(png(size, draw(size, maskable)))
        print(name)
