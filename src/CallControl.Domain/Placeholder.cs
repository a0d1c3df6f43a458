namespace CallControl.Domain;
