"""The glossary, served at `/glossary/`: the terms kaibo uses as ja/en pairs, each with a one-line meaning.

The terms are `term.<id>.name` and `term.<id>.means` in `i18n/glossary.toml`, shown in that file's order
(the order the learning path meets them); the search box filters them in either language.
"""

import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium", app_title="kaibo")

with app.setup:
    from html import escape

    import marimo as mo

    from kaibo.i18n import catalogue, t
    from kaibo.lab.page import address_language, top_bar
    from kaibo.lab.path import GLOSSARY


@app.function
def terms() -> list[str]:
    """The ids of the glossary's terms, in the catalogue's order."""
    return [key.split(".")[1] for key in catalogue() if key.startswith("term.") and key.endswith(".name")]


@app.cell
def _():
    lang = address_language()
    search = mo.ui.text(label=t("glossary.search", lang), debounce=300)
    mo.vstack([top_bar(GLOSSARY, lang),
               mo.md(f"# {t('glossary.title', lang)}\n\n{t('glossary.intro', lang)}"),
               search])
    return lang, search


@app.cell
def _(lang, search):
    query = search.value.strip().lower()
    rows = []
    for term in terms():
        ja, en = (t(f"term.{term}.name", code) for code in ("ja", "en"))
        means = t(f"term.{term}.means", lang)
        if query in f"{ja} {en} {means}".lower():
            rows.append(f'<tr data-kaibo-term="{term}"><td lang="ja"><b>{escape(ja)}</b></td>'
                        f'<td lang="en"><b>{escape(en)}</b></td><td>{escape(means)}</td></tr>')
    header = "".join(f"<th>{escape(t(f'glossary.{col}', lang))}</th>" for col in ("col_ja", "col_en", "col_means"))
    table = f'<table class="kaibo-terms"><tr>{header}</tr>{"".join(rows)}</table>'
    mo.Html(table if rows else f"<p>{escape(t('glossary.none', lang, query=search.value))}</p>")
    return


if __name__ == "__main__":
    app.run()
