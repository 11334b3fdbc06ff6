# CMH general association p-values of the pilot's Table 14-3.13 (CIBIC+ by visit, LOCF, efficacy population,
# controlling for the pooled site group SITEGR1 from ADSL): stats::mantelhaen.test on the same records
# (ADQSCIBC, EFFFL = ANL01FL = "Y", PARAMCD CIBICVAL, AVISIT Week 8/16/24, TRTP planned treatment).
# Run from this folder: Rscript pilot_cibic.R [data dir] [out.csv]
suppressPackageStartupMessages(library(haven))
args <- commandArgs(trailingOnly = TRUE)
data_dir <- if (length(args) >= 1) args[1] else "../../../../shared/data/cdiscpilot01"
out_file <- if (length(args) >= 2) args[2] else "pilot_cibic.csv"
q <- as.data.frame(read_xpt(file.path(data_dir, "adqscibc.xpt")))
adsl <- as.data.frame(read_xpt(file.path(data_dir, "adsl.xpt")))[, c("USUBJID", "SITEGR1", "TRT01P", "EFFFL")]
names(adsl)[names(adsl) == "SITEGR1"] <- "SITEGR1_ADSL"
q <- merge(q[q$ANL01FL == "Y" & q$PARAMCD == "CIBICVAL", c("USUBJID", "AVISIT", "AVAL")],
           adsl[adsl$EFFFL == "Y", ], by = "USUBJID")
res <- data.frame(visit = character(), statistic = numeric(), df = integer(), p = numeric())
for (v in c("Week 8", "Week 16", "Week 24")) {
  d <- q[q$AVISIT == v, ]
  x <- table(factor(d$TRT01P), factor(d$AVAL), factor(d$SITEGR1_ADSL))
  m <- mantelhaen.test(x)
  res[nrow(res) + 1, ] <- list(v, unname(m$statistic), unname(m$parameter), m$p.value)
}
write.csv(res, out_file, row.names = FALSE)
