-- Lane A prospect directory: who a people_id / company_id is, and how to reach
-- them. Updatable (the latest file wins; every change audited with old and new
-- values), never part of the write-once meeting facts. Lane A only: no key
-- here points at Lane B or at any table outside the lane.

create table sales.prospect_people (
    people_id uuid primary key,
    person_name text,
    first_name text,
    last_name text,
    email text
        constraint prospect_people_email_chk
        check (email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' and email = lower(email)),
    linkedin_url text
        constraint prospect_people_linkedin_chk
        check (linkedin_url ~* '^https://www\.linkedin\.com/[^[:space:]]+$'),
    job_title text,
    crm_person_id text,
    company_id uuid,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);

comment on table sales.prospect_people is 'Lane A directory: one row per person met (people_id), with name and addresses. Updatable; every change audited.';
comment on column sales.prospect_people.people_id is 'The person, as in sales.appointment_history.people_id (given, or derived from the CRM id or email).';
comment on column sales.prospect_people.person_name is 'Full name as the CRM writes it.';
comment on column sales.prospect_people.first_name is 'First name (given, or the first word of person_name).';
comment on column sales.prospect_people.last_name is 'Last name (given, or the rest of person_name).';
comment on column sales.prospect_people.email is 'Email, lower-case.';
comment on column sales.prospect_people.linkedin_url is 'LinkedIn profile, as https://www.linkedin.com/<path>.';
comment on column sales.prospect_people.job_title is 'Job title.';
comment on column sales.prospect_people.crm_person_id is 'The person''s id in the CRM.';
comment on column sales.prospect_people.company_id is 'The company the person was last seen at.';

create table sales.prospect_companies (
    company_id uuid primary key,
    company_name text,
    company_domain text,
    crm_company_id text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);

comment on table sales.prospect_companies is 'Lane A directory: one row per company (company_id) with its name and domain. Updatable; every change audited.';
comment on column sales.prospect_companies.company_id is 'The company, as in sales.appointment_history.company_id (given, or derived from the CRM id or domain).';
comment on column sales.prospect_companies.company_name is 'Company name.';
comment on column sales.prospect_companies.company_domain is 'Web domain, lower-case, without www.';
comment on column sales.prospect_companies.crm_company_id is 'The company''s id in the CRM.';

create function sales.touch_updated_at() returns trigger
language plpgsql
as $$
begin
    new.created_at := old.created_at;
    new.updated_at := now();
    return new;
end;
$$;

create trigger touch_updated_at before update on sales.prospect_people
for each row execute function sales.touch_updated_at();
alter table sales.prospect_people enable always trigger touch_updated_at;
create trigger touch_updated_at before update on sales.prospect_companies
for each row execute function sales.touch_updated_at();
alter table sales.prospect_companies enable always trigger touch_updated_at;

select shq.attach_audit('sales.prospect_people', 'people_id', true);
select shq.attach_audit('sales.prospect_companies', 'company_id', true);
