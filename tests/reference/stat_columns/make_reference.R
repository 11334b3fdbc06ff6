# Reference p-values for the stat columns of tests/unit/test_stat_columns.py (sparse chi-squares and
# the Wilcoxon `exact` option), from adsl.csv and adae.csv in this folder.
#
#   Rscript tests/reference/stat_columns/make_reference.R [input folder] [output folder]
#
# Made with R 4.2.2 and coin 1.4.2. results.csv has one row per (case, test, stat), values with 17
# significant digits:
#   chisq      chisq.test(correct = FALSE): p; low = cells with expected count < 5, cells = all cells
#   fisher     fisher.test: p
#   exact      wilcox.test(exact = TRUE) without ties (WEIGHT); coin::wilcox_test(distribution = "exact")
#              with ties (SCORE): p
#   asymptotic wilcox.test(exact = FALSE, correct = TRUE): p (SAS NPAR1WAY's normal approximation)
#   auto       wilcox.test() with R's defaults (exact below 50 per sample without ties): p
# Cases: sex, race, agegr (treatment x variable); headache, nausea (subjects with / without the term).

suppressPackageStartupMessages(library(coin))
args <- commandArgs(trailingOnly = TRUE)
here <- tryCatch(dirname(normalizePath(sub("^--file=", "", grep("^--file=", commandArgs(), value = TRUE)))),
                 error = function(e) ".")
in_dir <- if (length(args) >= 1) args[1] else here
out_dir <- if (length(args) >= 2) args[2] else here

adsl <- read.csv(file.path(in_dir, "adsl.csv"), stringsAsFactors = FALSE)
adae <- read.csv(file.path(in_dir, "adae.csv"), stringsAsFactors = FALSE)
adsl$TRT <- factor(adsl$TRT01A, levels = c("Drug A", "Placebo"))
out <- list()
put <- function(case, test, values) {
  for (k in names(values)) out[[length(out) + 1]] <<- data.frame(case = case, test = test, stat = k,
                                                                  value = sprintf("%.17g", values[[k]]))
}
counts <- function(case, m) {
  cs <- suppressWarnings(chisq.test(m, correct = FALSE))
  put(case, "chisq", list(p = cs$p.value, low = sum(cs$expected < 5), cells = length(m)))
  put(case, "fisher", list(p = fisher.test(m)$p.value))
}
for (v in c("SEX", "RACE", "AGEGR")) counts(tolower(v), table(adsl$TRT, adsl[[v]]))
for (term in c("Headache", "Nausea")) {
  has <- adsl$USUBJID %in% adae$USUBJID[adae$AEDECOD == term & adae$TRTEMFL == "Y"]
  counts(tolower(term), table(adsl$TRT, factor(has, levels = c(TRUE, FALSE))))
}
a <- adsl[adsl$TRT == "Drug A", ]
p <- adsl[adsl$TRT == "Placebo", ]
for (v in c("WEIGHT", "SCORE")) {
  case <- tolower(v)
  exact <- if (anyDuplicated(adsl[[v]])) {
    pvalue(wilcox_test(as.formula(paste(v, "~ TRT")), data = adsl, distribution = "exact"))
  } else {
    wilcox.test(a[[v]], p[[v]], exact = TRUE)$p.value
  }
  put(case, "exact", list(p = exact))
  put(case, "asymptotic", list(p = wilcox.test(a[[v]], p[[v]], exact = FALSE, correct = TRUE)$p.value))
  put(case, "auto", list(p = suppressWarnings(wilcox.test(a[[v]], p[[v]]))$p.value))
}
write.csv(do.call(rbind, out), file.path(out_dir, "results.csv"), row.names = FALSE, quote = FALSE)
