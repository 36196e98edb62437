rule clean:
    input:
        code=pkg("clean", "readers", "config", "syntax", "textfile"),
        # a passed validation first: a bad input stops there, before cleaning writes anything
        validated="results/validated/config.json",
        data=DATA,
        codebook=CODEBOOK,
    output:
        clean="results/clean/survey_clean.csv",
        exclusions="results/clean/exclusions.csv",
        flow="results/clean/flow.json",
        imputed="results/clean/imputed_cells.csv",
        decisions="results/clean/item_decisions.csv",
    params:
        id_column=config["data"]["id_column"],
        encoding=config["data"]["encoding"],
        delimiter=config["data"]["delimiter"],
        sheet=config["data"]["sheet"],
        distributed=config["data"]["distributed"],
        cleaning=config["cleaning"],
        items_dropped=config["items_dropped"],
    log:
        "results/logs/clean.log",
    benchmark:
        "results/benchmarks/clean.tsv"
    script:
        "../scripts/clean.py"


rule describe:
    input:
        code=pkg("describe", "clean", "config", "syntax"),
        clean="results/clean/survey_clean.csv",
        codebook=CODEBOOK,
    output:
        profile="results/describe/sample_profile.csv",
        item_table="results/describe/items.csv",
        normality="results/describe/normality.json",
    params:
        items_dropped=config["items_dropped"],
    log:
        "results/logs/describe.log",
    benchmark:
        "results/benchmarks/describe.tsv"
    script:
        "../scripts/describe.py"
