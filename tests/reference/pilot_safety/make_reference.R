# Fisher's exact tests of the CDISC pilot's lab abnormality tables (Tables 14-6.02 and 14-6.03), computed
# independently of tlf: the worst ANRIND (High over Low over Normal) per safety subject and analyte of the
# planned visits after Week 0 up to Week 24, tabulated by actual treatment (ADSL TRT01A); R fisher.test
# of the category x treatment table (categories nobody has are dropped: they add nothing to the test).
# Usage: Rscript make_reference.R DATA_DIR OUT_CSV
library(haven)
args <- commandArgs(trailingOnly = TRUE)
dir <- if (length(args) >= 1) args[1] else "../shared/data/cdiscpilot01"
out <- if (length(args) >= 2) args[2] else "tests/reference/pilot_safety/fisher.csv"
adsl <- read_xpt(file.path(dir, "adsl.xpt"))
saf <- adsl[adsl$SAFFL == "Y", c("USUBJID", "TRT01A")]
rank <- c(N = 0, L = 1, H = 2)
rows <- list()
for (case in list(c("t-14-6-02", "adlbc.xpt", "ALT"), c("t-14-6-02", "adlbc.xpt", "BILI"),
                  c("t-14-6-02", "adlbh.xpt", "EOS"), c("t-14-6-03", "adlbc.xpt", "_ALT"),
                  c("t-14-6-03", "adlbh.xpt", "_WBC"))) {
  lb <- read_xpt(file.path(dir, case[2]), col_select = c("USUBJID", "PARAMCD", "AVISITN", "ANRIND"))
  lb <- lb[lb$PARAMCD == case[3] & !is.na(lb$AVISITN) & lb$AVISITN > 0 & lb$AVISITN <= 24 &
           lb$ANRIND %in% names(rank), ]
  lb$r <- rank[lb$ANRIND]
  worst <- aggregate(r ~ USUBJID, data = lb, FUN = max)
  worst <- merge(worst, saf, by = "USUBJID")
  tab <- table(worst$r, worst$TRT01A)
  rows[[length(rows) + 1]] <- data.frame(output_id = case[1], paramcd = case[3],
                                         pvalue = sprintf("%.15g", fisher.test(tab)$p.value))
}
write.csv(do.call(rbind, rows), out, row.names = FALSE, quote = FALSE)
