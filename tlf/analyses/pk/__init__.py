"""The PK summary families `pk_parameters` (NCA parameters by column and row group) and `pk_concentrations`
(concentrations by nominal time, with n BLQ), and the NCA that derives a parameter dataset from concentrations."""
