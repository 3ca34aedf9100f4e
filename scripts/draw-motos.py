#!/usr/bin/env python3
"""Draws the catalogue's model illustrations: public/images/motos/<slug>.svg.

One flat, hand-tuned silhouette per use (roadster, trail, sportive) in each model's
colours, 640×400 (catalog::IMAGE_WIDTH × IMAGE_HEIGHT), about 2 KB each: small enough
to inline-cache, sharp at every size. Run it again after adding a model to the list.
"""

from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "public" / "images" / "motos"

# slug, silhouette, body colour, accent colour
MODELS = [
    ("strada-500", "road", "#2f6fb5", "#f4f2ef"),
    ("cafe-650", "cafe", "#1f5c45", "#d9b56a"),
    ("strada-700", "road", "#ff5a1f", "#14161a"),
    ("strada-900", "road", "#6b7280", "#ff5a1f"),
    ("gran-turismo-1250", "tourer", "#3d3f6e", "#c9ccd6"),
    ("enduro-300", "enduro", "#e0a400", "#14161a"),
    ("sentiero-450", "trail", "#c2410c", "#f4f2ef"),
    ("sentiero-700", "trail", "#4d7c0f", "#f4f2ef"),
    ("sentiero-1200-rally", "trail", "#1e3a5f", "#ff5a1f"),
    ("pista-400", "sport", "#0e7490", "#f4f2ef"),
    ("pista-660", "sport", "#b91c1c", "#f4f2ef"),
    ("pista-1000-rr", "sport", "#14161a", "#ff5a1f"),
]

INK = "#14161a"
METAL = "#8a8f98"
ENGINE = "#3a3f47"


def wheel(cx, cy, r, knobby=False):
    tyre = f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="none" stroke="{INK}" stroke-width="16"/>'
    knobs = (
        f'<circle cx="{cx}" cy="{cy}" r="{r + 8}" fill="none" stroke="{INK}" stroke-width="5" stroke-dasharray="6 7"/>'
        if knobby
        else ""
    )
    rim = f'<circle cx="{cx}" cy="{cy}" r="{r - 14}" fill="none" stroke="{METAL}" stroke-width="4"/>'
    disc = f'<circle cx="{cx}" cy="{cy}" r="{r // 3}" fill="none" stroke="{METAL}" stroke-width="6"/>'
    hub = f'<circle cx="{cx}" cy="{cy}" r="7" fill="{INK}"/>'
    return tyre + knobs + rim + disc + hub


def road(body, accent):
    return (
        wheel(170, 285, 72)
        + wheel(470, 285, 72)
        + f'<path d="M170 285 290 258" stroke="{METAL}" stroke-width="14" stroke-linecap="round"/>'
        + f'<path d="M470 285 430 150" stroke="{METAL}" stroke-width="11" stroke-linecap="round"/>'
        + f'<path d="M250 215h100l-10 75h-80z" fill="{ENGINE}"/>'
        + f'<path d="M262 232h76M264 250h72M266 268h68" stroke="{METAL}" stroke-width="4"/>'
        + f'<path d="M300 292 128 252" stroke="{METAL}" stroke-width="13" stroke-linecap="round"/>'
        + f'<path d="M285 200 420 165 335 262" fill="none" stroke="{INK}" stroke-width="8"/>'
        + f'<path d="M270 172q30-37 110-32l42 20q-20 42-82 45h-60z" fill="{body}"/>'
        + f'<path d="M300 160q30-14 80-10" fill="none" stroke="{accent}" stroke-width="7" stroke-linecap="round"/>'
        + f'<path d="M168 190l112-15 5 25-105 10z" fill="#23262d"/>'
        + f'<path d="M138 180l47 8-5 24-32-7z" fill="{body}"/>'
        + f'<path d="M418 232q52-42 104 0" fill="none" stroke="{body}" stroke-width="10"/>'
        + f'<circle cx="447" cy="160" r="20" fill="#f4f2ef" stroke="{INK}" stroke-width="6"/>'
        + f'<path d="M412 132l44-12" stroke="{INK}" stroke-width="8" stroke-linecap="round"/>'
    )


def cafe(body, accent):
    return road(body, accent).replace(
        '<path d="M412 132l44-12"', '<path d="M405 168l40 2"'
    ) + f'<path d="M150 178q10-22 40-16l-4 30z" fill="{accent}"/>'


def tourer(body, accent):
    return (
        road(body, accent)
        + f'<path d="M420 170l30-70 40 8-25 95z" fill="#9fc3d6" opacity=".8"/>'
        + f'<path d="M400 190l60-40 40 70-70 30z" fill="{body}"/>'
        + f'<rect x="120" y="205" width="90" height="60" rx="12" fill="{body}" stroke="{INK}" stroke-width="5"/>'
        + f'<path d="M132 222h66" stroke="{accent}" stroke-width="5"/>'
    )


def trail(body, accent, beak=True):
    parts = (
        wheel(165, 288, 70, knobby=True)
        + wheel(480, 280, 78, knobby=True)
        + f'<path d="M165 288 292 250" stroke="{METAL}" stroke-width="14" stroke-linecap="round"/>'
        + f'<path d="M480 280 440 122" stroke="{METAL}" stroke-width="12" stroke-linecap="round"/>'
        + f'<path d="M258 222h96l-8 58h-80z" fill="{ENGINE}"/>'
        + f'<path d="M256 276h100l-12 28h-76z" fill="{METAL}"/>'
        + f'<path d="M330 230 200 200 150 190" fill="none" stroke="{METAL}" stroke-width="11" stroke-linecap="round"/>'
        + f'<path d="M270 160q40-40 130-35l30 25-70 50h-80z" fill="{body}"/>'
        + f'<path d="M300 150q40-18 90-12" fill="none" stroke="{accent}" stroke-width="7" stroke-linecap="round"/>'
        + f'<path d="M150 166l180-16v20l-170 15z" fill="#23262d"/>'
        + f'<path d="M108 163l52 4-5 18z" fill="{body}"/>'
        + f'<path d="M438 152l84-12-20 22-58 5z" fill="{body}"/>'
        + f'<path d="M410 112l42-6" stroke="{INK}" stroke-width="8" stroke-linecap="round"/>'
    )
    if beak:
        parts += (
            f'<path d="M428 132l44-26 12 34-42 22z" fill="{body}"/>'
            + f'<path d="M440 122l24-16 8 22z" fill="#9fc3d6"/>'
        )
    return parts


def enduro(body, accent):
    return trail(body, accent, beak=False) + f'<path d="M430 140h36v26h-36z" fill="{accent}"/>'


def sport(body, accent):
    return (
        wheel(170, 288, 68)
        + wheel(478, 288, 68)
        + f'<path d="M170 288 300 262" stroke="{METAL}" stroke-width="14" stroke-linecap="round"/>'
        + f'<path d="M478 288 438 160" stroke="{METAL}" stroke-width="11" stroke-linecap="round"/>'
        + f'<path d="M262 214h90l-12 76h-66z" fill="{ENGINE}"/>'
        + f'<path d="M300 292 210 300" stroke="{METAL}" stroke-width="12" stroke-linecap="round"/>'
        + f'<path d="M330 168l100-50 72 52v78l-122 22-50-30z" fill="{body}"/>'
        + f'<path d="M430 118l40-14 32 66z" fill="#9fc3d6" opacity=".85"/>'
        + f'<path d="M350 220l140-10" stroke="{accent}" stroke-width="9" stroke-linecap="round"/>'
        + f'<path d="M272 168q36-38 122-30l-36 62h-72z" fill="{body}"/>'
        + f'<path d="M146 160l146 14-6 22-122-8z" fill="{body}"/>'
        + f'<path d="M118 146l64 12-12 22z" fill="{accent}"/>'
        + f'<path d="M196 166l86 8-3 12-80-6z" fill="#23262d"/>'
        + f'<path d="M398 142l34-6" stroke="{INK}" stroke-width="8" stroke-linecap="round"/>'
        + f'<circle cx="486" cy="186" r="10" fill="#f4f2ef"/>'
    )


DRAW = {"road": road, "cafe": cafe, "tourer": tourer, "trail": trail, "enduro": enduro, "sport": sport}


def svg(kind, body, accent):
    background = (
        '<defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1">'
        '<stop offset="0" stop-color="#fbfaf8"/><stop offset="1" stop-color="#e9e5df"/>'
        "</linearGradient></defs>"
        '<rect width="640" height="400" fill="url(#g)"/>'
        '<ellipse cx="322" cy="362" rx="250" ry="14" fill="#14161a" opacity=".12"/>'
    )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 400" width="640" height="400">'
        + background
        + '<g stroke-linejoin="round">'
        + DRAW[kind](body, accent)
        + "</g></svg>\n"
    )


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for slug, kind, body, accent in MODELS:
        (OUT / f"{slug}.svg").write_text(svg(kind, body, accent))
        print(f"{slug}.svg {len(svg(kind, body, accent))} bytes")


if __name__ == "__main__":
    main()
