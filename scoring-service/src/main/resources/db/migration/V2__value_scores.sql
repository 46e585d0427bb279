-- One row per model version and workspace: what was fitted, how the fit went, and whether tagging got the tags.
create table model_fit (
    workspace              text             not null,
    version                integer          not null,
    fitted_at              timestamptz      not null,
    as_of                  date             not null,
    currency               text             not null,
    trigger                text             not null,
    profiles               integer          not null,
    note                   text,
    bgnbd_r                double precision,
    bgnbd_alpha            double precision,
    bgnbd_a                double precision,
    bgnbd_b                double precision,
    bgnbd_dropout          boolean,
    bgnbd_log_likelihood   double precision,
    bgnbd_iterations       integer,
    bgnbd_evaluations      integer,
    bgnbd_customers        integer,
    -- Comma-separated parameter names without an interior maximum.
    bgnbd_boundary         text,
    bgnbd_fallback         text,
    bgnbd_note             text,
    gg_p                   double precision,
    gg_q                   double precision,
    gg_gamma               double precision,
    gg_log_likelihood      double precision,
    gg_iterations          integer,
    gg_evaluations         integer,
    gg_customers           integer,
    gg_boundary            text,
    gg_note                text,
    silhouette             double precision not null,
    fit_seconds            double precision not null,
    tags_pushed            boolean          not null default false,
    push_error             text,
    primary key (workspace, version)
);

create table model_cluster (
    workspace    text             not null,
    version      integer          not null,
    cluster_index integer         not null,
    size         integer          not null,
    recency_days double precision not null,
    frequency    double precision not null,
    monetary     double precision not null,
    primary key (workspace, version, cluster_index),
    foreign key (workspace, version) references model_fit (workspace, version) on delete cascade
);

-- The latest scores of each live profile; replaced by every refit, moved away on merges, deleted on erasure.
create table profile_score (
    workspace            text             not null,
    profile_id           text             not null,
    version              integer          not null,
    scored_at            timestamptz      not null,
    recency_days         integer          not null,
    frequency            integer          not null,
    monetary             double precision not null,
    r                    smallint         not null,
    f                    smallint         not null,
    m                    smallint         not null,
    segment              text             not null,
    horizon_days         integer          not null,
    expected_purchases   double precision,
    p_alive              double precision,
    expected_order_value double precision,
    clv                  double precision,
    churn_risk           text,
    value_tier           text             not null,
    engagement           double precision not null,
    cluster              integer          not null,
    primary key (workspace, profile_id)
);

-- A refit of one workspace runs on one replica at a time: the holder of an unexpired lease.
create table refit_lease (
    workspace  text        not null primary key,
    holder     text        not null,
    expires_at timestamptz not null
);
