"""The lab's home page, served at `/`: what kaibo is, then the learning path grouped by part.

Each lesson shows its title, the hard point it resolves and what the learner will see. Lessons with a page
are links (carrying the language) and carry a ✓ once the learner has marked them finished (kept in the
browser: `kaibo.lab.head`); the rest are the road ahead, listed without links.
"""

import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium", app_title="kaibo")

with app.setup:
    import marimo as mo

    from kaibo.i18n import t
    from kaibo.lab.page import address_language, top_bar
    from kaibo.lab.path import HOME, Stop, lesson_url, parts, stops


@app.function
def entry(stop: Stop, lang: str) -> str:
    """One lesson on the home page, as Markdown: a link when its page exists, plain text while it is ahead."""
    title = f"{stop.number}. {stop.title(lang)}"
    if stop.available:
        head = (f"**[{title}]({lesson_url(stop.slug, lang)})** "
                f'<span class="kaibo-done" data-kaibo-progress="{stop.slug}" hidden>{t("home.done", lang)}</span>')
    else:
        head = f'**{title}** <span class="kaibo-soon">{t("home.soon", lang)}</span>'
    # Two trailing spaces: a line break inside the paragraph.
    return (f"{head}  \n{t('home.hard', lang)}: {stop.hard_point(lang)}  \n"
            f'<span class="kaibo-soon">{t("home.see", lang)}: {stop.sees(lang)}</span>')


@app.cell
def _():
    lang = address_language()
    top_bar(HOME, lang)
    return (lang,)


@app.cell
def _(lang):
    mo.md(f"# {t('home.title', lang)}\n\n{t('home.intro', lang)}\n\n{t('home.how', lang)}")
    return


@app.cell
def _(lang):
    sections = [f"## {t('home.path_title', lang)}", f"<small>{t('home.progress_hint', lang)}</small>"]
    for part in parts():
        sections.append(f"### {t(f'part.{part}', lang)}")
        sections += [entry(stop, lang) for stop in stops() if stop.part == part]
    mo.md("\n\n".join(sections))
    return


if __name__ == "__main__":
    app.run()
