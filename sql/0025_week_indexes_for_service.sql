-- The weekly digest and the coverage report read the week's (or cycle's) service by time: the lines of the service
-- record approved or logged in the week, meeting check-ins and visits. Without these they scan the whole tables (a
-- year of visits is some 700,000 rows in a county).
ALTER TABLE service_record ADD KEY ix_service_record_created (created_at, person_id);
ALTER TABLE visit ADD KEY ix_visit_time (visited_at, visitor_id);
ALTER TABLE meeting_invitee ADD KEY ix_meeting_invitee_checkin (checked_in_at);
