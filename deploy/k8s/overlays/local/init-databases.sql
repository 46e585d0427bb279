-- One database per owning service, all owned by the application role (POSTGRES_USER).
CREATE DATABASE identity OWNER portrait;
CREATE DATABASE tagging OWNER portrait;
CREATE DATABASE scoring OWNER portrait;
CREATE DATABASE gateway OWNER portrait;
