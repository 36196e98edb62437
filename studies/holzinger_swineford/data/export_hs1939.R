# Export lavaan's HolzingerSwineford1939 (301 seventh- and eighth-grade children of two schools)
# for the study, with school and sex as codes of the codebook (school 1 = Pasteur, 2 = Grant-White;
# sex 1 = male, 2 = female as lavaan documents it).
#   cd /work/wt-12 && Rscript studies/holzinger_swineford/data/export_hs1939.R
library(lavaan)
HS <- HolzingerSwineford1939
out <- data.frame(id = sprintf("p%03d", HS$id),
                  school = ifelse(HS$school == "Pasteur", 1L, 2L),
                  sex = HS$sex,
                  HS[, paste0("x", 1:9)])
write.csv(out, "studies/holzinger_swineford/data/hs1939.csv", row.names = FALSE)
cat("wrote", nrow(out), "rows\n")
