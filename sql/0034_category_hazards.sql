-- Which category an emergency is filed under, by hazard, kept with the categories so the county's admins set it on
-- the console: comma-separated hazard names of the urgency detector (gas, fire, ...). A hazard no category names
-- keeps the deployment's default (Intake:HazardCategories).
ALTER TABLE category ADD COLUMN hazards VARCHAR(200) NOT NULL DEFAULT '' AFTER questions;
