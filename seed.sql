-- Paddock demo data. Idempotent: every insert skips rows that already exist, so running
-- it twice changes nothing. Loaded at start when PADDOCK_SEED_DEMO_DATA=true and the
-- database holds no account yet.
--
-- Demo passwords (hashes are argon2id, m=19456 KiB, t=2, p=1):
--   admins     PaddockAdmin2026!
--   customers  PaddockClient2026!

insert into users (id, email, display_name, password_hash, role, created_at) values
    ('00000000-0000-4000-8000-000000000001', 'claire.martin@paddock.test', 'Claire Martin',
     '$argon2id$v=19$m=19456,t=2,p=1$orNmgN1U16mvpDFtUle7Cw$6+Pt9ixL6IJBisFIEaaJuCgwyKxsQElBc6phrRl1dyU', 'admin', now() - interval '400 days'),
    ('00000000-0000-4000-8000-000000000002', 'lucas.bernard@paddock.test', 'Lucas Bernard',
     '$argon2id$v=19$m=19456,t=2,p=1$G5nQ0xQgETMYyTba813Zjg$KwsgmV5rSBzmKXXIkKMTaUmrI2iaO1BjirlEWpPRg1U', 'admin', now() - interval '380 days'),
    ('00000000-0000-4000-8000-000000000101', 'julie.petit@paddock.test', 'Julie Petit',
     '$argon2id$v=19$m=19456,t=2,p=1$GTXJycqcubNHTM5i5CcYZA$FCwfPA7zYGeEwzcHQnjSJ5b6PBa1beAiFbMGyBA5ve0', 'customer', now() - interval '200 days'),
    ('00000000-0000-4000-8000-000000000102', 'thomas.durand@paddock.test', 'Thomas Durand',
     '$argon2id$v=19$m=19456,t=2,p=1$7cBfxcfhNMbeONRmuzdOiQ$TWafUsigKm/2xJZoR8t3rYdPbThTdDf0NGWfdT3y7wA', 'customer', now() - interval '150 days'),
    ('00000000-0000-4000-8000-000000000103', 'emma.leroy@paddock.test', 'Emma Leroy',
     '$argon2id$v=19$m=19456,t=2,p=1$lzJJ/MwMrjkvlm1V6SMUYw$vn3jpkV8k2b91kW6nIA+8yWi/xCy/BOpmeFCnpjvgQQ', 'customer', now() - interval '90 days'),
    ('00000000-0000-4000-8000-000000000104', 'hugo.moreau@paddock.test', 'Hugo Moreau',
     '$argon2id$v=19$m=19456,t=2,p=1$VXoL7zvovzIBYK3VMN5c3A$2bMaAIfCJLms7U0dGmapbM4OqtviWFh7T7Tf+ZozUaE', 'customer', now() - interval '40 days'),
    ('00000000-0000-4000-8000-000000000105', 'lea.fournier@paddock.test', 'Léa Fournier',
     '$argon2id$v=19$m=19456,t=2,p=1$cO9vATp/FYNEYuC4I2POsA$UmlltMVzxgoIgy80/lFp0JpT366MUuhnjAkuaVVJAWI', 'customer', now() - interval '10 days')
on conflict do nothing;

-- Appointments, relative to the date the seed is loaded (dealership time, Europe/Paris,
-- default opening hours of Leptos.toml: 9h–18h, one-hour slots, closed on Sunday).
-- The track calendar is fully booked for the current week, so the assistant offers next
-- week's track sessions: the brief's "no slot left this week" rule is visible at once.
insert into appointments (calendar, starts_at, customer_id)
select 'track',
       day + make_interval(hours => hour),
       (array['00000000-0000-4000-8000-000000000102', '00000000-0000-4000-8000-000000000103',
              '00000000-0000-4000-8000-000000000104', '00000000-0000-4000-8000-000000000105'])[1 + (hour + extract(isodow from day)::int) % 4]::uuid
from generate_series(date_trunc('week', now() at time zone 'Europe/Paris'),
                     date_trunc('week', now() at time zone 'Europe/Paris') + interval '5 days',
                     interval '1 day') as day,
     generate_series(9, 17) as hour
on conflict do nothing;

-- A few bookings in the other calendars, next week.
insert into appointments (calendar, starts_at, customer_id) values
    ('maintenance', date_trunc('week', now() at time zone 'Europe/Paris') + interval '8 days 16 hours',
     '00000000-0000-4000-8000-000000000101'),
    ('road_test', date_trunc('week', now() at time zone 'Europe/Paris') + interval '9 days 11 hours',
     '00000000-0000-4000-8000-000000000101'),
    ('off_road_test', date_trunc('week', now() at time zone 'Europe/Paris') + interval '10 days 14 hours',
     '00000000-0000-4000-8000-000000000103'),
    ('maintenance', date_trunc('week', now() at time zone 'Europe/Paris') + interval '11 days 9 hours',
     '00000000-0000-4000-8000-000000000104')
on conflict do nothing;

-- Chat rooms run by the advisors: one is full (capacity 2, two members), one is deleted
-- (its history stays readable to its members, nobody can post).
insert into channels (id, kind, last_seq) values
    ('10000000-0000-4000-8000-000000000001', 'room', 4),
    ('10000000-0000-4000-8000-000000000002', 'room', 2),
    ('10000000-0000-4000-8000-000000000003', 'room', 0),
    ('10000000-0000-4000-8000-000000000004', 'room', 1),
    ('10000000-0000-4000-8000-000000000005', 'room', 2),
    ('10000000-0000-4000-8000-000000000006', 'room', 60),
    ('20000000-0000-4000-8000-000000000001', 'direct', 2)
on conflict do nothing;

insert into rooms (id, name, capacity, created_by, deleted_at) values
    ('10000000-0000-4000-8000-000000000001', 'Balades du dimanche', 50, '00000000-0000-4000-8000-000000000001', null),
    ('10000000-0000-4000-8000-000000000002', 'Circuit et journées piste', 30, '00000000-0000-4000-8000-000000000001', null),
    ('10000000-0000-4000-8000-000000000003', 'Trail et tout-terrain', 40, '00000000-0000-4000-8000-000000000002', null),
    ('10000000-0000-4000-8000-000000000004', 'Club des deux places', 2, '00000000-0000-4000-8000-000000000002', null),
    ('10000000-0000-4000-8000-000000000005', 'Salon du Mondial 2025', 100, '00000000-0000-4000-8000-000000000001', now() - interval '30 days'),
    ('10000000-0000-4000-8000-000000000006', 'Atelier mécanique', 25, '00000000-0000-4000-8000-000000000002', null)
on conflict do nothing;

insert into direct_conversations (id, user_low, user_high) values
    ('20000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000101', '00000000-0000-4000-8000-000000000102')
on conflict do nothing;

insert into channel_members (channel_id, user_id, last_read_seq) values
    ('10000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000101', 4),
    ('10000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000102', 2),
    ('10000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000103', 4),
    ('10000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000102', 2),
    ('10000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000104', 1),
    ('10000000-0000-4000-8000-000000000004', '00000000-0000-4000-8000-000000000101', 1),
    ('10000000-0000-4000-8000-000000000004', '00000000-0000-4000-8000-000000000102', 1),
    ('10000000-0000-4000-8000-000000000005', '00000000-0000-4000-8000-000000000101', 2),
    ('10000000-0000-4000-8000-000000000005', '00000000-0000-4000-8000-000000000105', 2),
    ('20000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000101', 2),
    ('20000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000102', 1)
on conflict do nothing;

insert into messages (channel_id, seq, author_id, client_id, body, created_at) values
    ('10000000-0000-4000-8000-000000000001', 1, '00000000-0000-4000-8000-000000000101', '30000000-0000-4000-8000-000000000001',
     'Quelqu’un pour la boucle des lacs dimanche matin ?', now() - interval '3 days'),
    ('10000000-0000-4000-8000-000000000001', 2, '00000000-0000-4000-8000-000000000103', '30000000-0000-4000-8000-000000000002',
     'Partante ! Départ 9 h de la concession ?', now() - interval '3 days' + interval '10 minutes'),
    ('10000000-0000-4000-8000-000000000001', 3, '00000000-0000-4000-8000-000000000101', '30000000-0000-4000-8000-000000000003',
     'Parfait, 9 h devant l’atelier. Prévoyez le plein.', now() - interval '3 days' + interval '25 minutes'),
    ('10000000-0000-4000-8000-000000000001', 4, '00000000-0000-4000-8000-000000000103', '30000000-0000-4000-8000-000000000004',
     'Je ramène un ami qui vient d’avoir son permis.', now() - interval '2 days'),
    ('10000000-0000-4000-8000-000000000002', 1, '00000000-0000-4000-8000-000000000104', '30000000-0000-4000-8000-000000000005',
     'Prochaine journée piste : quelqu’un a essayé les pneus slick du magasin ?', now() - interval '5 days'),
    ('10000000-0000-4000-8000-000000000002', 2, '00000000-0000-4000-8000-000000000102', '30000000-0000-4000-8000-000000000006',
     'Oui, excellents dès le deuxième tour.', now() - interval '4 days'),
    ('10000000-0000-4000-8000-000000000004', 1, '00000000-0000-4000-8000-000000000102', '30000000-0000-4000-8000-000000000007',
     'Le salon est complet, on est bien à deux.', now() - interval '1 day'),
    ('10000000-0000-4000-8000-000000000005', 1, '00000000-0000-4000-8000-000000000105', '30000000-0000-4000-8000-000000000008',
     'Rendez-vous au stand du groupe, hall 3 !', now() - interval '40 days'),
    ('10000000-0000-4000-8000-000000000005', 2, '00000000-0000-4000-8000-000000000101', '30000000-0000-4000-8000-000000000009',
     'Merci pour l’invitation, à samedi.', now() - interval '39 days'),
    ('20000000-0000-4000-8000-000000000001', 1, '00000000-0000-4000-8000-000000000101', '30000000-0000-4000-8000-000000000010',
     'Salut Thomas, tu me prêtes ton antivol pour dimanche ?', now() - interval '6 hours'),
    ('20000000-0000-4000-8000-000000000001', 2, '00000000-0000-4000-8000-000000000102', '30000000-0000-4000-8000-000000000011',
     'Pas de souci, je te le dépose à la concession.', now() - interval '5 hours')
on conflict do nothing;

-- « Atelier mécanique » has a long history: older pages load when scrolling up.
insert into messages (channel_id, seq, author_id, client_id, body, created_at)
select '10000000-0000-4000-8000-000000000006', n, '00000000-0000-4000-8000-000000000002',
       ('40000000-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid,
       'Astuce atelier n°' || n || ' : ' || (array['vérifiez la tension de chaîne', 'contrôlez la pression des pneus',
            'purgez le liquide de frein tous les deux ans', 'graissez la chaîne après la pluie'])[1 + n % 4],
       now() - interval '60 days' + n * interval '1 day'
from generate_series(1, 60) as n
on conflict do nothing;

-- Advisor conversations: two past ones with their transcripts and the customers' ratings,
-- a refused request, an expired one, and Emma's request waiting in the queue (an advisor
-- who marks themself available sees it; it expires 30 minutes after it was made).
insert into channels (id, kind, last_seq) values
    ('50000000-0000-4000-8000-000000000001', 'support', 4),
    ('50000000-0000-4000-8000-000000000002', 'support', 3)
on conflict do nothing;

insert into support_requests (id, customer_id, topic, status, created_at, decided_at, advisor_id, reason, channel_id, ended_at,
                              expires_at, rating, rating_comment, rated_at) values
    ('51000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000101', 'Reprise de ma Street 900',
     'accepted', now() - interval '12 days', now() - interval '12 days' + interval '2 minutes',
     '00000000-0000-4000-8000-000000000001', null, '50000000-0000-4000-8000-000000000001', now() - interval '12 days' + interval '20 minutes',
     now() - interval '12 days' + interval '30 minutes', 5, 'Réponse rapide et estimation claire, merci Claire !',
     now() - interval '12 days' + interval '21 minutes'),
    ('51000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000102', 'Financement d’un roadster',
     'accepted', now() - interval '6 days', now() - interval '6 days' + interval '1 minute',
     '00000000-0000-4000-8000-000000000002', null, '50000000-0000-4000-8000-000000000002', now() - interval '6 days' + interval '15 minutes',
     now() - interval '6 days' + interval '30 minutes', 3, null, now() - interval '6 days' + interval '16 minutes'),
    ('51000000-0000-4000-8000-000000000003', '00000000-0000-4000-8000-000000000104', null,
     'refused', now() - interval '3 days', now() - interval '3 days' + interval '4 minutes',
     '00000000-0000-4000-8000-000000000001', 'Nous fermons dans cinq minutes : écrivez-nous demain dès 9 h.', null, null,
     now() - interval '3 days' + interval '30 minutes', null, null, null),
    -- Léa's request of yesterday that no advisor took in time.
    ('51000000-0000-4000-8000-000000000005', '00000000-0000-4000-8000-000000000105', 'Garantie de ma Trail 700',
     'expired', now() - interval '1 day', now() - interval '1 day' + interval '30 minutes', null, null, null, null,
     now() - interval '1 day' + interval '30 minutes', null, null, null),
    ('51000000-0000-4000-8000-000000000004', '00000000-0000-4000-8000-000000000103', 'Essai du trail 700 avant achat',
     'pending', now() - interval '4 minutes', null, null, null, null, null,
     now() + interval '26 minutes', null, null, null)
on conflict do nothing;

insert into channel_members (channel_id, user_id, last_read_seq) values
    ('50000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000101', 4),
    ('50000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000001', 4),
    ('50000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000102', 3),
    ('50000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000002', 3)
on conflict do nothing;

insert into messages (channel_id, seq, author_id, client_id, body, created_at) values
    ('50000000-0000-4000-8000-000000000001', 1, '00000000-0000-4000-8000-000000000101', '52000000-0000-4000-8000-000000000001',
     'Bonjour, combien reprendriez-vous ma Street 900 de 2021, 18 000 km ?', now() - interval '12 days' + interval '3 minutes'),
    ('50000000-0000-4000-8000-000000000001', 2, '00000000-0000-4000-8000-000000000001', '52000000-0000-4000-8000-000000000002',
     'Bonjour Julie ! Entre 6 500 et 7 000 € selon l’état ; passez la faire estimer à l’atelier.', now() - interval '12 days' + interval '6 minutes'),
    ('50000000-0000-4000-8000-000000000001', 3, '00000000-0000-4000-8000-000000000101', '52000000-0000-4000-8000-000000000003',
     'Parfait, je viens samedi matin.', now() - interval '12 days' + interval '9 minutes'),
    ('50000000-0000-4000-8000-000000000001', 4, '00000000-0000-4000-8000-000000000001', '52000000-0000-4000-8000-000000000004',
     'C’est noté, à samedi !', now() - interval '12 days' + interval '10 minutes'),
    ('50000000-0000-4000-8000-000000000002', 1, '00000000-0000-4000-8000-000000000102', '52000000-0000-4000-8000-000000000005',
     'Proposez-vous un financement sur 48 mois pour le roadster R7 ?', now() - interval '6 days' + interval '2 minutes'),
    ('50000000-0000-4000-8000-000000000002', 2, '00000000-0000-4000-8000-000000000002', '52000000-0000-4000-8000-000000000006',
     'Oui, à partir de 129 € par mois avec un apport de 1 500 €.', now() - interval '6 days' + interval '5 minutes'),
    ('50000000-0000-4000-8000-000000000002', 3, '00000000-0000-4000-8000-000000000102', '52000000-0000-4000-8000-000000000007',
     'Merci, je réfléchis et je reviens vers vous.', now() - interval '6 days' + interval '8 minutes')
on conflict do nothing;

-- Commercial notifications already sent: Julie has read the first one, not the others.
insert into notifications (id, title, body, link, sent_by, sent_at)
overriding system value values
    (1, 'Portes ouvertes ce week-end',
     'Venez essayer toute la gamme 2027 samedi et dimanche, de 9 h à 18 h, dans toutes nos concessions.',
     '/espace/assistant', '00000000-0000-4000-8000-000000000001', now() - interval '9 days'),
    (2, '-15 % sur les équipements pluie',
     'Vestes, pantalons et gants de pluie à -15 % jusqu’à la fin du mois, en concession et en ligne.',
     'https://paddock.example/equipements', '00000000-0000-4000-8000-000000000002', now() - interval '4 days'),
    (3, 'Révision d’hiver offerte',
     'Pour toute révision réservée avant le 15 décembre, le contrôle hivernal (batterie, pneus, liquides) est offert.',
     null, '00000000-0000-4000-8000-000000000001', now() - interval '1 day')
on conflict do nothing;
-- The identity continues after the seeded ids.
select setval(pg_get_serial_sequence('notifications', 'id'), greatest((select max(id) from notifications), 1));

insert into notification_deliveries (notification_id, user_id) values
    (1, '00000000-0000-4000-8000-000000000101'),
    (1, '00000000-0000-4000-8000-000000000103'),
    (2, '00000000-0000-4000-8000-000000000102')
on conflict do nothing;

insert into notification_reads (notification_id, user_id) values
    (1, '00000000-0000-4000-8000-000000000101'),
    (1, '00000000-0000-4000-8000-000000000103'),
    (2, '00000000-0000-4000-8000-000000000103')
on conflict do nothing;

-- The catalogue: twelve models across road, off-road and sport riding (prices in euro
-- cents; the A2 licence allows at most 35 kW), each with its illustration in public/.
insert into models (slug, name, usage, engine_cc, power_kw, weight_kg, licence, price_cents, summary, image, updated_at) values
    ('strada-500', 'Strada 500', 'road', 471, 35, 192, 'A2', 649000,
     'Le roadster idéal pour débuter : bicylindre souple, selle basse et position droite, au permis A2 sans bridage.',
     '/images/motos/strada-500.svg', now() - interval '40 days'),
    ('cafe-650', 'Café 650', 'road', 649, 35, 202, 'A2',  729000,
     'Un café racer néo-rétro : réservoir sculpté, guidons bracelets et bicylindre calé pour le permis A2.',
     '/images/motos/cafe-650.svg', now() - interval '38 days'),
    ('strada-700', 'Strada 700', 'road', 689, 54, 184, 'A', 799000,
     'Légère et joueuse, la Strada 700 enchaîne les virages des départementales comme les trajets quotidiens.',
     '/images/motos/strada-700.svg', now() - interval '30 days'),
    ('strada-900', 'Strada 900', 'road', 890, 87, 189, 'A', 1049000,
     'Trois cylindres pleins de caractère, électronique complète et freinage radial : le roadster qui réveille.',
     '/images/motos/strada-900.svg', now() - interval '25 days'),
    ('gran-turismo-1250', 'Gran Turismo 1250', 'road', 1254, 100, 268, 'A', 1999000,
     'La grande routière pour voyager à deux : bulle réglable, valises intégrées et régulateur de vitesse.',
     '/images/motos/gran-turismo-1250.svg', now() - interval '20 days'),
    ('enduro-300', 'Enduro 300', 'off_road', 293, 34, 104, 'A2', 929000,
     'Une enduro légère et vive pour les chemins techniques et les sorties en club, au permis A2.',
     '/images/motos/enduro-300.svg', now() - interval '36 days'),
    ('sentiero-450', 'Sentiero 450', 'off_road', 452, 32, 176, 'A2', 699000,
     'Le petit trail qui passe partout : grandes roues, suspensions à long débattement et appétit d’oiseau.',
     '/images/motos/sentiero-450.svg', now() - interval '34 days'),
    ('sentiero-700', 'Sentiero 700', 'off_road', 689, 35, 205, 'A2', 949000,
     'Un trail polyvalent au permis A2 : à l’aise sur les pistes, confortable pour partir loin.',
     '/images/motos/sentiero-700.svg', now() - interval '22 days'),
    ('sentiero-1200-rally', 'Sentiero 1200 Rally', 'off_road', 1199, 100, 249, 'A', 1749000,
     'Le grand trail d’aventure : réservoir de 23 litres, protection intégrale et modes de conduite tout-terrain.',
     '/images/motos/sentiero-1200-rally.svg', now() - interval '15 days'),
    ('pista-400', 'Pista 400', 'sport', 399, 33, 168, 'A2', 679000,
     'Une sportive au permis A2 pour apprendre le pilotage sur piste : carénage intégral et partie cycle affûtée.',
     '/images/motos/pista-400.svg', now() - interval '32 days'),
    ('pista-660', 'Pista 660', 'sport', 659, 74, 186, 'A', 1199000,
     'Légère et précise, la Pista 660 offre des sensations de circuit avec un moteur facile à exploiter.',
     '/images/motos/pista-660.svg', now() - interval '18 days'),
    ('pista-1000-rr', 'Pista 1000 RR', 'sport', 998, 160, 201, 'A', 2499000,
     'L’hypersportive de la gamme : quatre cylindres, ailerons aérodynamiques et électronique de course.',
     '/images/motos/pista-1000-rr.svg', now() - interval '10 days')
on conflict do nothing;

-- The dealerships, open when the appointment calendars are (9h–18h, closed on Sunday:
-- Leptos.toml, [paddock.booking]). Their phone numbers are in ARCEP's fiction ranges.
insert into dealerships (slug, name, street, postal_code, city, phone, opens_at, closes_at, closed_days) values
    ('paris-bastille', 'Paddock Paris Bastille', '18 boulevard Richard-Lenoir', '75011', 'Paris',
     '+33 1 99 00 12 34', '09:00', '18:00', '{sun}'),
    ('lyon-gerland', 'Paddock Lyon Gerland', '52 avenue Tony-Garnier', '69007', 'Lyon',
     '+33 4 65 71 23 45', '09:00', '18:00', '{sun}'),
    ('bordeaux-lac', 'Paddock Bordeaux Lac', '14 avenue des Quarante-Journaux', '33300', 'Bordeaux',
     '+33 5 36 49 34 56', '09:00', '18:00', '{sun}'),
    ('lille-lomme', 'Paddock Lille Lomme', '210 avenue de Dunkerque', '59160', 'Lille',
     '+33 3 53 01 45 67', '09:00', '18:00', '{sun}')
on conflict do nothing;

-- The advisors' canned responses (« / » in a conversation lists them).
insert into canned_responses (id, title, body, updated_by) values
    ('53000000-0000-4000-8000-000000000001', 'Horaires',
     'Nos concessions vous accueillent du lundi au samedi, de 9 h à 18 h.', '00000000-0000-4000-8000-000000000001'),
    ('53000000-0000-4000-8000-000000000002', 'Essai',
     'Vous pouvez réserver un essai depuis la page du modèle (« Réserver un essai ») ou avec l’assistant de votre espace.',
     '00000000-0000-4000-8000-000000000001'),
    ('53000000-0000-4000-8000-000000000003', 'Reprise',
     'Pour estimer la reprise de votre moto, passez à l’atelier avec la carte grise et le carnet d’entretien.',
     '00000000-0000-4000-8000-000000000002')
on conflict do nothing;
